"""The pipeline's stages, one file each; :mod:`safenet.center.pipeline` puts them in order."""
