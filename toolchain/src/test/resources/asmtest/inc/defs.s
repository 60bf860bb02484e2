.equ K, 42
