"""softphone.core"""
