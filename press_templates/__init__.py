"""What recipients see: release page, email and text templates (data, shipped with the package)."""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent
