from mlcycle.entry import main

main()
