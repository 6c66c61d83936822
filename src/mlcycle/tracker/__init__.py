"""Numbers from where they live: read a run's metrics from an experiment tracker.

A gate that read the tracker at check time would change without a commit, so
``mlcycle metrics pull`` brings the numbers into git with their provenance and
``check`` reads only the committed file. Each tracker is one module (``mlflow``:
MLflow) whose client library is imported inside the function that calls it (an
optional extra: ``check`` never pays for it).
"""
