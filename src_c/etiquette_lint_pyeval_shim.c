/* durable-rules 2.0.28's engine calls PyEval_CallObject, which Python 3.13 removed from its C API:
 * its extension then fails to load ("undefined symbol"). This module exports the function under
 * that name (it was PyObject_Call with no keyword arguments); etiquette_lint.engine loads it with
 * RTLD_GLOBAL before importing durable. On older Pythons it is an empty module. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX >= 0x030D0000
PyAPI_FUNC(PyObject *) PyEval_CallObject(PyObject *callable, PyObject *args);

PyObject *PyEval_CallObject(PyObject *callable, PyObject *args) {
    return PyObject_Call(callable, args, NULL);
}
#endif

static struct PyModuleDef shim_module = {
    PyModuleDef_HEAD_INIT, "_etiquette_lint_pyeval_shim",
    "PyEval_CallObject for durable-rules on Python 3.13 and later.", -1, NULL,
};

PyMODINIT_FUNC PyInit__etiquette_lint_pyeval_shim(void) {
    return PyModule_Create(&shim_module);
}
