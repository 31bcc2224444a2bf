"""Where and how orgkit writes files: atomic writes, output checks and clean, safe CSV and JSON."""
