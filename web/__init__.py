"""HTTP: blueprints per audience and the marshmallow schemas."""
