#ifndef BOUNDCHECK_CGSL_SHIM_H
#define BOUNDCHECK_CGSL_SHIM_H
// The GSL headers BoundCheck uses. Nothing else is exposed to Swift.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_lambert.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_sf_exp.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_zeta.h>
#include <gsl/gsl_sf_expint.h>

// GSL exposes these as mutable C globals, which Swift 6 refuses to read from concurrent code.
// They are written once by the library's static initialisation and never changed, so reading
// them through a function is safe; these accessors are the only way Swift reaches them.
static inline const char *boundcheck_gsl_version(void) { return gsl_version; }
static inline const gsl_root_fsolver_type *boundcheck_root_fsolver_brent(void) { return gsl_root_fsolver_brent; }
static inline const gsl_min_fminimizer_type *boundcheck_min_fminimizer_brent(void) { return gsl_min_fminimizer_brent; }
static inline const gsl_multimin_fminimizer_type *boundcheck_multimin_nmsimplex2(void) { return gsl_multimin_fminimizer_nmsimplex2; }
#endif
