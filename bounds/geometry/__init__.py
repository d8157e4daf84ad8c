"""The geometry of persistent unsafe regions: the trilemma cone mass."""
