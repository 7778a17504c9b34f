"""Kancelaria's signature library: safe XML, XAdES validation, sealing.

It imports nothing from the web application and keeps no global state.
"""
