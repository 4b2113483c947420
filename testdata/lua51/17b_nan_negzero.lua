-- NaN and negative zero printing is platform/implementation specific
print(0/0)
print("[KD8]", -0.0, 0 * -1)
