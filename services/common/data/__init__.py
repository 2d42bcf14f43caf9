"""Small reference tables shipped with Routeway (see DATA.md) and the script that builds them."""
