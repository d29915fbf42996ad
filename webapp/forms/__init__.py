"""WTForms classes: one per form (and one per section of the 申报书)."""
