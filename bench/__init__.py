"""The load benchmark (`make bench`) and the page profiler; see bench/README.md."""
