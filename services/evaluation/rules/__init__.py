"""The default rules file (bộ tiêu chí mặc định), shipped as package data."""
