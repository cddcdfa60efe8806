"""softphone.net"""
