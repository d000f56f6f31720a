"""Streamlit helpers shared by the pages: engine, login state, language, banners, navigation.

This is the only package besides ``dashboard/pages`` and ``dashboard/app.py`` that imports
streamlit.
"""
