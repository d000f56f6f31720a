"""Streamlit helpers shared by the pages: engine, login state, language, banners, navigation.

This is the only package besides ``dashboard/pages``, ``dashboard/app.py`` and
``dashboard/shell.py`` that imports streamlit.
"""
