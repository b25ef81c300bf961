"""The Streamlit UI: pages that call kb's read functions."""
