"""The Zhuzhou demo: the places, units, campaigns, pairings and visits of the 2023-05 Zhuzhou Daily
page (``python manage.py load_demo``)."""
