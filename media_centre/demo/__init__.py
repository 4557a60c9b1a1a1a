"""Demo content for trying the site and benchmarking it: `manage.py generate_demo`."""
