# Reference values for onex_research.psychometrics.cfa / htmt.
# Run from the repository root:  Rscript tests/reference/make_reference_lavaan.R
# Needs: lavaan, psychTools, semTools, jsonlite (Debian: r-cran-lavaan r-cran-psychtools
# r-cran-semtools r-cran-jsonlite).  Writes:
#   tests/reference/HolzingerSwineford1939.csv   (lavaan::HolzingerSwineford1939, all columns)
#   tests/reference/bfi.csv                      (psychTools::bfi, 25 items + gender, education, age)
#   tests/reference/sim_goodfit.csv                (200 x 6, simulated here with set.seed(1))
#   tests/reference/lavaan_hs1939.json, lavaan_hs1939_cross.json, lavaan_hs1939_df0.json,
#   lavaan_goodfit.json, lavaan_bfi.json
suppressPackageStartupMessages({
  library(lavaan); library(psychTools); library(semTools); library(jsonlite)
})
out <- "tests/reference"

hs <- lavaan::HolzingerSwineford1939
write.csv(hs, file.path(out, "HolzingerSwineford1939.csv"), row.names = FALSE, na = "")
bfi <- psychTools::bfi
write.csv(bfi, file.path(out, "bfi.csv"), row.names = FALSE, na = "")

reference <- function(model_list, data, name) {
  syntax <- paste(sprintf("%s =~ %s", names(model_list),
                          sapply(model_list, paste, collapse = " + ")), collapse = "\n")
  items <- unique(unlist(model_list))
  d <- data[, items]
  n_complete <- sum(complete.cases(d))
  fit <- lavaan::cfa(syntax, data = d)          # lavaan defaults: ML, listwise, expected information
  fm <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea",
                           "rmsea.ci.lower", "rmsea.ci.upper", "srmr",
                           "baseline.chisq", "baseline.df", "baseline.pvalue",
                           "logl", "aic", "bic", "ntotal"))
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)               # type = "std.all", delta-method se
  phi <- cov2cor(lavInspect(fit, "cov.lv"))     # ("cor.lv" returns the variance for one factor)
  # composite reliability and AVE from standardized loadings (by hand, the formula used in Python)
  lam <- ss[ss$op == "=~", ]
  cr <- sapply(names(model_list), function(f) {
    l <- lam$est.std[lam$lhs == f]; (sum(l))^2 / ((sum(l))^2 + sum(1 - l^2)) })
  ave <- sapply(names(model_list), function(f) mean(lam$est.std[lam$lhs == f]^2))
  # semTools versions for comparison (compRelSEM uses model-implied variances; AVE as semTools)
  cr_semtools <- tryCatch(as.list(semTools::compRelSEM(fit)), error = function(e) NULL)
  ave_semtools <- tryCatch(as.list(semTools::AVE(fit)), error = function(e) NULL)
  # semTools >= 0.5-6 defaults to htmt2 = TRUE (geometric means, Roemer et al. 2021);
  # htmt2 = FALSE is Henseler et al.'s (2015) original arithmetic-mean HTMT.
  # (semTools::htmt fails on a cross-loading model: it duplicates the shared item)
  ht <- tryCatch(semTools::htmt(syntax, data = d, htmt2 = FALSE), error = function(e) NULL)
  ht2 <- tryCatch(semTools::htmt(syntax, data = d, htmt2 = TRUE), error = function(e) NULL)
  list(
    name = name, model = model_list, n = n_complete, ntotal = nrow(d),
    fit = as.list(unclass(fm)),
    estimates = pe[, c("lhs", "op", "rhs", "est", "se", "z", "pvalue")],
    standardized = ss[, c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")],
    phi = unclass(phi), factors = colnames(phi),
    cr = as.list(cr), ave = as.list(ave),
    cr_semtools = cr_semtools, ave_semtools = ave_semtools,
    htmt = unclass(ht), htmt2 = unclass(ht2), htmt_names = colnames(ht),
    versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")),
                    semTools = as.character(packageVersion("semTools")))
  )
}

hs_model <- list(visual = c("x1", "x2", "x3"), textual = c("x4", "x5", "x6"),
                 speed = c("x7", "x8", "x9"))
write_json(reference(hs_model, hs, "HolzingerSwineford1939"), file.path(out, "lavaan_hs1939.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor")

# a cross-loading (x9 on visual as well as speed), to check the general loading pattern
hs_cross <- list(visual = c("x1", "x2", "x3", "x9"), textual = c("x4", "x5", "x6"),
                 speed = c("x7", "x8", "x9"))
write_json(reference(hs_cross, hs, "HolzingerSwineford1939 cross-loading"),
           file.path(out, "lavaan_hs1939_cross.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor")

# edge cases: a just-identified model (df = 0) and a model that fits better than its df
write_json(reference(list(textual = c("x4", "x5", "x6")), hs, "HolzingerSwineford1939 df = 0"),
           file.path(out, "lavaan_hs1939_df0.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor")
set.seed(1)
eta <- rnorm(200)
sim <- sapply(c(.7, .6, .5, .7, .6, .5), function(l) l * eta + sqrt(1 - l^2) * rnorm(200))
colnames(sim) <- paste0("y", 1:6)
sim <- as.data.frame(sim)
write.csv(sim, file.path(out, "sim_goodfit.csv"), row.names = FALSE)
write_json(reference(list(f = paste0("y", 1:6)), sim, "simulated, chi2 < df"),
           file.path(out, "lavaan_goodfit.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor")

bfi_model <- list(agree = paste0("A", 1:5), consc = paste0("C", 1:5), extra = paste0("E", 1:5),
                  neuro = paste0("N", 1:5), open = paste0("O", 1:5))
write_json(reference(bfi_model, bfi, "bfi"), file.path(out, "lavaan_bfi.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor")
cat("done\n")
