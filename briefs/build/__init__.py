"""Turn a project into its outputs: the build's phases, what needs rebuilding, what changed."""
