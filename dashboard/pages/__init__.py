"""Streamlit pages: each reads widgets, calls a service, renders.

A package only so that the import contracts in .importlinter can see the pages.
"""
