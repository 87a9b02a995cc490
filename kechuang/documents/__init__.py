"""Official documents, below every feature app: the GB/T 9704 .docx builder (``gbt9704``), one-page A4
forms (``forms``), PDF through LibreOffice (``pdf``) with the official font aliases (``fonts/``), and
charts drawn with a CJK font (``charts``). Imports no kechuang app: callers pass plain data in.
"""
