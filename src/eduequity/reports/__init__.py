"""Writers and report formats."""
