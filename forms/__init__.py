"""WTForms classes, one module per area; shared fields in ``forms.fields``."""
