"""Which fonts the PDF renderer can use: asked of fontconfig, the library Pango reads."""

from __future__ import annotations

from cffi import FFI

FC_RESULT_MATCH = 0

_ffi = FFI()
_ffi.cdef(
    """
    typedef struct _FcPattern FcPattern;
    typedef struct _FcObjectSet FcObjectSet;
    typedef struct _FcConfig FcConfig;
    typedef struct { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
    FcPattern *FcNameParse(const unsigned char *name);
    FcObjectSet *FcObjectSetBuild(const char *first, ...);
    FcFontSet *FcFontList(FcConfig *config, FcPattern *p, FcObjectSet *os);
    void FcFontSetDestroy(FcFontSet *s);
    void FcPatternDestroy(FcPattern *p);
    void FcObjectSetDestroy(FcObjectSet *os);
    int FcPatternGetString(FcPattern *p, const char *object, int n, unsigned char **s);
    """
)


def font_families_for(lang: str) -> list[str]:
    """The installed font families that cover `lang` (e.g. "zh-cn"), as `fc-list :lang=` lists.

    Goes through libfontconfig itself: the `fc-list` tool is a separate Debian package that a
    machine may lack where the library (a WeasyPrint dependency) is installed. No library: [].
    """
    try:
        fc = _ffi.dlopen("libfontconfig.so.1")
    except OSError:
        return []
    pattern = fc.FcNameParse(f":lang={lang}".encode())
    objects = fc.FcObjectSetBuild(b"family", _ffi.NULL)
    fonts = fc.FcFontList(_ffi.NULL, pattern, objects)
    try:
        if fonts == _ffi.NULL:
            return []
        families = set()
        value = _ffi.new("unsigned char **")
        for i in range(fonts.nfont):
            if fc.FcPatternGetString(fonts.fonts[i], b"family", 0, value) == FC_RESULT_MATCH:
                families.add(_ffi.string(value[0]).decode("utf-8", "replace"))
        return sorted(families)
    finally:
        if fonts != _ffi.NULL:
            fc.FcFontSetDestroy(fonts)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
