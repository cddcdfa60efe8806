"""softphone.ui"""
