# Reference values for tests/test_psychometrics_*.py, from R psych on psychTools::bfi.
#
# Run from the repository root:   Rscript tests/reference/make_reference_psych.R
# Needs: psych (2.2.9 used), GPArotation, psychTools, jsonlite.
# Writes: tests/reference/bfi.csv (psychTools::bfi, all 28 columns, 2,800 rows, NA as "";
#         the same bytes as make_reference_lavaan.R writes; the tests use the 25 items)
#         tests/reference/psych_reliability.json, psych_fa.json, psych_omega.json,
#         psych_parallel.json
# Matrices are written as {"rows": [...], "cols": [...], "values": [[row 1], [row 2], ...]}.
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(psychTools)
  library(jsonlite)
})
out <- "tests/reference"
data(bfi, package = "psychTools")
items <- bfi[, 1:25]
write.csv(bfi, file.path(out, "bfi.csv"), row.names = FALSE, na = "")

mat <- function(m) {
  m <- unclass(as.matrix(m))
  list(rows = rownames(m), cols = colnames(m), values = unname(m))
}
save <- function(x, name) {
  write_json(x, file.path(out, name), digits = NA, auto_unbox = TRUE, pretty = TRUE,
             matrix = "rowmajor")
}
versions <- list(R = R.version.string,
                 psych = as.character(packageVersion("psych")),
                 GPArotation = as.character(packageVersion("GPArotation")))

# ---- reliability, descriptives, correlations, KMO, Bartlett ------------------------------
alpha_case <- function(a) {
  list(raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
       feldt_lower = as.numeric(a$feldt$lower.ci), feldt_upper = as.numeric(a$feldt$upper.ci),
       total_mean = a$total$mean, total_sd = a$total$sd,
       items = rownames(a$item.stats),
       r_drop = a$item.stats$r.drop, raw_r = a$item.stats$raw.r, std_r = a$item.stats$std.r,
       n = a$item.stats$n, mean = a$item.stats$mean, sd = a$item.stats$sd,
       alpha_drop = a$alpha.drop$raw_alpha, std_alpha_drop = a$alpha.drop$std.alpha)
}
# psych::alpha(bfi[1:5], keys = "A1"): A1 reversed as max + min - x
a_keyed <- alpha_case(psych::alpha(items[, 1:5], keys = c("A1")))
# psych::alpha(bfi[6:10]): raw conscientiousness items, no reversal (C4, C5 pull alpha down)
c_raw <- suppressWarnings(alpha_case(psych::alpha(items[, 6:10], warnings = FALSE)))
# neuroticism, all positive
n_raw <- alpha_case(psych::alpha(items[, 16:20]))

d <- psych::describe(items)  # type = 3 skew and kurtosis
desc <- list(items = rownames(d), n = d$n, mean = d$mean, sd = d$sd, skew = d$skew,
             kurtosis = d$kurtosis, se = d$se)
ct <- psych::corr.test(items[, 1:5], adjust = "none")
km <- psych::KMO(items)
bt <- psych::cortest.bartlett(items)   # R = cor(items, use = "pairwise"), n = nrow(items)
save(list(versions = versions,
          alpha_A_keyed = a_keyed, alpha_C_raw = c_raw, alpha_N = n_raw,
          describe = desc,
          corr_test_A = list(r = mat(ct$r), p = mat(ct$p), n = mat(ct$n)),
          kmo = list(overall = km$MSA, items = names(km$MSAi), per_item = unname(km$MSAi)),
          bartlett = list(chi2 = bt$chisq, p = bt$p.value, dof = bt$df, n = nrow(items))),
     "psych_reliability.json")

# ---- EFA --------------------------------------------------------------------------------
fa_case <- function(f) {
  list(loadings = mat(f$loadings),
       phi = if (is.null(f$Phi)) NULL else mat(f$Phi),
       communality = unname(f$communality),
       uniquenesses = unname(f$uniquenesses),
       values = unname(f$values), e_values = unname(f$e.values),
       vaccounted = mat(f$Vaccounted),
       fit = if (is.null(f$STATISTIC)) NULL else
         list(objective = f$objective, chi2 = f$STATISTIC, dof = f$dof, p = f$PVAL, tli = f$TLI,
              rmsea = unname(f$RMSEA[1]), rmsea_ci_low = unname(f$RMSEA[2]),
              rmsea_ci_high = unname(f$RMSEA[3]), bic = f$BIC, rms = f$rms, crms = f$crms))
}
fa_cases <- list()
for (fm in c("minres", "ml", "pa")) {
  for (rot in c("none", "varimax", "promax", "oblimin")) {
    f <- suppressWarnings(psych::fa(items, nfactors = 5, fm = fm, rotate = rot))
    fa_cases[[paste(fm, rot, 5, sep = "_")]] <- fa_case(f)
  }
}
for (fm in c("minres", "ml", "pa")) {
  f <- suppressWarnings(psych::fa(items, nfactors = 3, fm = fm, rotate = "oblimin"))
  fa_cases[[paste(fm, "oblimin", 3, sep = "_")]] <- fa_case(f)
}
for (rot in c("none", "varimax", "promax", "oblimin")) {
  p <- psych::principal(items, nfactors = 5, rotate = rot)
  fa_cases[[paste("principal", rot, 5, sep = "_")]] <- fa_case(
    c(unclass(p), list(communality = p$communality, e.values = p$values)))
}
save(c(list(versions = versions), fa_cases), "psych_fa.json")

# ---- omega ------------------------------------------------------------------------------
om_case <- function(o) {
  list(omega_h = o$omega_h, omega_total = o$omega.tot, alpha = o$alpha,
       sl = mat(o$schmid$sl), phi = if (is.null(o$schmid$phi)) NULL else mat(o$schmid$phi),
       gloading = unname(c(o$schmid$gloading)),
       key = unname(o$key))
}
omegas <- list(
  bfi25_nf3 = om_case(psych::omega(items, nfactors = 3, plot = FALSE)),
  bfi25_nf5 = om_case(psych::omega(items, nfactors = 5, plot = FALSE)),
  NO_nf3 = om_case(psych::omega(items[, 16:25], nfactors = 3, plot = FALSE)),
  N_nf1 = suppressWarnings(om_case(psych::omega(items[, 16:20], nfactors = 1, plot = FALSE))),
  A_nf1 = suppressWarnings(om_case(psych::omega(items[, 1:5], nfactors = 1, plot = FALSE))))
save(c(list(versions = versions), omegas), "psych_omega.json")

# ---- parallel analysis ------------------------------------------------------------------
options(mc.cores = 1)  # fa.parallel uses parallel::mclapply; one core keeps set.seed reproducible
set.seed(42)
pa <- psych::fa.parallel(items, fm = "minres", fa = "both", n.iter = 20, plot = FALSE)
save(list(versions = versions, nfact = pa$nfact, ncomp = pa$ncomp,
          fa_values = pa$fa.values, pc_values = pa$pc.values,
          fa_sim = pa$fa.sim, pc_sim = pa$pc.sim),
     "psych_parallel.json")
