"""softphone.sim"""
