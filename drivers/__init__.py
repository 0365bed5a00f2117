"""The bundled, signed driver catalogue, shipped as package data (``hy_drivers``)."""
