/* The search index's words of a text, as UTF-8: the loop behind search.index_form_utf8.

   Python's charmap_encode does the same with a table lookup per character, which made this one
   step about a fifth of a cold refresh's CPU. This gives the very same bytes from the very same
   table (search.py hands it over, flattened, through set_table), with no Python object per
   character. Text holding supplementary-plane characters is left to Python (encode gives None).
   An optional build: without a C compiler, search.py keeps charmap_encode. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BMP_SIZE 0x10000

/* Each BMP code point's output is blob[offsets[c] : offsets[c] + lengths[c]]. */
static PyObject *table_offsets = NULL; /* bytes: BMP_SIZE native uint32 */
static PyObject *table_lengths = NULL; /* bytes: BMP_SIZE uint8 */
static PyObject *table_blob = NULL;    /* bytes */

static PyObject *
set_table(PyObject *module, PyObject *args)
{
    PyObject *offsets, *lengths, *blob;
    if (!PyArg_ParseTuple(args, "SSS:set_table", &offsets, &lengths, &blob)) {
        return NULL;
    }
    if (PyBytes_GET_SIZE(offsets) != BMP_SIZE * 4 || PyBytes_GET_SIZE(lengths) != BMP_SIZE) {
        PyErr_SetString(PyExc_ValueError, "set_table: one offset and one length per BMP code point");
        return NULL;
    }
    const char *offset_bytes = PyBytes_AS_STRING(offsets);
    const unsigned char *length_bytes = (const unsigned char *)PyBytes_AS_STRING(lengths);
    uint64_t blob_size = (uint64_t)PyBytes_GET_SIZE(blob);
    for (Py_ssize_t code = 0; code < BMP_SIZE; code++) {
        uint32_t offset;
        memcpy(&offset, offset_bytes + 4 * code, 4);
        if ((uint64_t)offset + length_bytes[code] > blob_size) {
            PyErr_SetString(PyExc_ValueError, "set_table: a slice ends past the blob");
            return NULL;
        }
    }
    Py_INCREF(offsets);
    Py_INCREF(lengths);
    Py_INCREF(blob);
    Py_XSETREF(table_offsets, offsets);
    Py_XSETREF(table_lengths, lengths);
    Py_XSETREF(table_blob, blob);
    Py_RETURN_NONE;
}

/* Two passes over the text: the exact size first, so the result is allocated once. */
#define INDEX_WORDS_LOOP(CHAR_TYPE)                                                        \
    do {                                                                                   \
        const CHAR_TYPE *chars = (const CHAR_TYPE *)data;                                  \
        for (Py_ssize_t i = 0; i < length; i++) {                                          \
            size += lengths[chars[i]];                                                     \
        }                                                                                  \
        result = PyBytes_FromStringAndSize(NULL, size);                                    \
        if (result == NULL) {                                                              \
            return NULL;                                                                   \
        }                                                                                  \
        char *out = PyBytes_AS_STRING(result);                                             \
        for (Py_ssize_t i = 0; i < length; i++) {                                          \
            CHAR_TYPE code = chars[i];                                                     \
            uint32_t offset;                                                               \
            memcpy(&offset, offsets + 4 * (size_t)code, 4);                                \
            memcpy(out, blob + offset, lengths[code]);                                     \
            out += lengths[code];                                                          \
        }                                                                                  \
    } while (0)

static PyObject *
encode(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "encode: a str is needed");
        return NULL;
    }
    if (table_blob == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "encode: set_table was never called");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
#endif
    int kind = PyUnicode_KIND(text);
    if (kind == PyUnicode_4BYTE_KIND) {
        Py_RETURN_NONE; /* supplementary-plane characters: search.py's own path */
    }
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    const char *offsets = PyBytes_AS_STRING(table_offsets);
    const unsigned char *lengths = (const unsigned char *)PyBytes_AS_STRING(table_lengths);
    const char *blob = PyBytes_AS_STRING(table_blob);
    Py_ssize_t size = 0;
    PyObject *result = NULL;
    if (kind == PyUnicode_1BYTE_KIND) {
        INDEX_WORDS_LOOP(Py_UCS1);
    }
    else {
        INDEX_WORDS_LOOP(Py_UCS2);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"set_table", set_table, METH_VARARGS,
     "set_table(offsets, lengths, blob): the flattened table encode reads."},
    {"encode", encode, METH_O,
     "encode(text): the index words of text as UTF-8, or None when text holds "
     "supplementary-plane characters."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "_index_words", "The search index's words of a text, in C.", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__index_words(void)
{
    return PyModule_Create(&module_definition);
}
