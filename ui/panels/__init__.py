"""Side panels of the main window: 目次 (outline), サムネイル (thumbnails), 検索 (search) and comments."""
