"""Exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder through REFI-QDA (QDA-XML 1.0).

``guids`` derives the stable identifiers, ``documents`` reads and validates files,
``selectors`` and ``export`` write the codebook (.qdc) and the project (.qdpx),
``import_`` brings codebooks and codings back.
"""
