"""mlcycle: keep an ML product project honest about where it stands."""

__version__ = "0.1.0"

# The name the package is published and installed under. The command and the
# import package are `mlcycle`; the bare name `mlcycle` on the package index
# belongs to an unrelated project, so nothing may ever tell people to install it.
DISTRIBUTION = "mlcycle-cli"


def install_spec() -> str:
    """What to pip-install to get exactly this mlcycle (``mlcycle-cli==0.1.0``)."""
    return f"{DISTRIBUTION}=={__version__}"
