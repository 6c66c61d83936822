from mlcycle.cli import main

main()
