# Reference values for onex_research.psychometrics.sem / measurement_invariance / harman_test.
# Run from the repository root:  Rscript tests/reference/make_reference_sem.R
# Needs: lavaan (0.6), psych, psychTools, jsonlite.  Writes:
#   tests/reference/PoliticalDemocracy.csv   (lavaan::PoliticalDemocracy)
#   tests/reference/lavaan_sem.json          (every fit below, one entry per name)
suppressPackageStartupMessages({
  library(lavaan); library(psych); library(psychTools); library(jsonlite)
})
out <- "tests/reference"
pd <- lavaan::PoliticalDemocracy
write.csv(pd, file.path(out, "PoliticalDemocracy.csv"), row.names = FALSE)
hs <- read.csv(file.path(out, "HolzingerSwineford1939.csv"))   # = lavaan::HolzingerSwineford1939
bfi <- read.csv(file.path(out, "bfi.csv"))                       # = psychTools::bfi

FM <- c("chisq", "df", "pvalue", "cfi", "tli", "nfi", "ifi", "gfi", "agfi", "rmsea",
        "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "logl", "ntotal",
        "baseline.chisq", "baseline.df")
FM_ROBUST <- c("chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
               "baseline.chisq.scaled", "cfi.robust", "tli.robust", "rmsea.robust")

summarise <- function(fit) {
  robust <- lavInspect(fit, "options")$test != "standard"
  fm <- fitMeasures(fit, if (robust) c(FM, FM_ROBUST) else FM)
  pe <- parameterEstimates(fit)              # Wald CI, level = 0.95
  ss <- standardizedSolution(fit)            # std.all
  pe$std <- ss$est.std
  pe$std_se <- ss$se                         # delta method
  if (is.null(pe$group)) pe$group <- 1L
  r2 <- lavInspect(fit, "rsquare")
  list(fit = as.list(unclass(fm)),
       parameters = pe[, intersect(c("lhs", "op", "rhs", "group", "label", "est", "se", "z",
                                     "pvalue", "ci.lower", "ci.upper", "std", "std_se"), names(pe))],
       r2 = if (is.list(r2)) lapply(r2, as.list) else as.list(r2),
       converged = lavInspect(fit, "converged"),
       information = lavInspect(fit, "options")$information)
}
res <- list()

# 1. the lavaan tutorial model (PoliticalDemocracy, labels and residual covariances),
#    plus labelled structural paths and defined indirect/total effects
poldem <- '
  # measurement model
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + a*y2 + b*y3 + c*y4
    dem65 =~ y5 + a*y6 + b*y7 + c*y8
  # regressions
    dem60 ~ p1*ind60
    dem65 ~ p2*ind60 + p3*dem60
  # residual correlations
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8
  # defined effects
    indirect := p1*p3
    total := p2 + p1*p3
'
res$poldem <- c(list(model = poldem), summarise(sem(poldem, data = pd)))
# bootstrap intervals of the defined effects (500 case resamples; another RNG than Python's,
# so tests compare with a Monte Carlo tolerance)
set.seed(20261130)
boot <- sem(poldem, data = pd, se = "bootstrap", bootstrap = 500)
pe_perc <- parameterEstimates(boot, boot.ci.type = "perc")
pe_bc <- parameterEstimates(boot, boot.ci.type = "bca.simple")     # bias-corrected
d_idx <- pe_perc$op == ":="
res$poldem_boot <- list(lhs = pe_perc$lhs[d_idx], se = pe_perc$se[d_idx],
                        perc_low = pe_perc$ci.lower[d_idx], perc_high = pe_perc$ci.upper[d_idx],
                        bc_low = pe_bc$ci.lower[d_idx], bc_high = pe_bc$ci.upper[d_idx])
res$poldem_mlr <- c(list(model = poldem), summarise(sem(poldem, data = pd, estimator = "MLR")))

# 2. observed mediation with an exogenous observed x (fixed.x = TRUE), intercepts modelled
med <- '
  y5 ~ a*x1
  y8 ~ b*y5 + c*x1
  y5 ~ 1
  ab := a*b
'
res$mediation <- c(list(model = med), summarise(sem(med, data = pd)))

# 3. measurement invariance across schools (HolzingerSwineford1939)
hs_model <- 'visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9'
eq <- list(configural = "", metric = "loadings",
           scalar = c("loadings", "intercepts"),
           strict = c("loadings", "intercepts", "residuals"))
fits <- lapply(eq, function(g) cfa(hs_model, data = hs, group = "school", group.equal = g))
for (lv in names(fits))
  res[[paste0("hs_", lv)]] <- c(list(model = hs_model, group = "school", group_equal = eq[[lv]]),
                                summarise(fits[[lv]]))
lrt <- do.call(lavTestLRT, c(unname(fits), list(model.names = names(fits))))
res$hs_lrt <- list(chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
                   p = lrt[["Pr(>Chisq)"]])
fits_mlr <- lapply(eq, function(g) cfa(hs_model, data = hs, group = "school", group.equal = g,
                                       estimator = "MLR"))
lrt_mlr <- do.call(lavTestLRT, c(unname(fits_mlr), list(model.names = names(fits))))
res$hs_lrt_mlr <- list(chisq_diff = lrt_mlr[["Chisq diff"]], df_diff = lrt_mlr[["Df diff"]],
                       p = lrt_mlr[["Pr(>Chisq)"]],
                       chisq_scaled = sapply(fits_mlr, fitMeasures, "chisq.scaled"),
                       cfi_robust = sapply(fits_mlr, fitMeasures, "cfi.robust"))

# 4. full-information ML with missing answers (psychTools::bfi, first 600 rows, 10 items)
bfi_sub <- bfi[1:600, c(paste0("A", 1:5), paste0("C", 1:5))]
bfi_model <- 'agree =~ A1 + A2 + A3 + A4 + A5
consc =~ C1 + C2 + C3 + C4 + C5'
res$bfi_fiml <- c(list(model = bfi_model, rows = 600,
                       n_incomplete = sum(!complete.cases(bfi_sub))),
                  summarise(cfa(bfi_model, data = bfi_sub, missing = "ml")))
res$bfi_fiml_mlr <- c(list(model = bfi_model, rows = 600),
                      summarise(cfa(bfi_model, data = bfi_sub, missing = "ml", estimator = "MLR")))

# multigroup FIML (by gender), equal loadings, MLR
bfi_g <- bfi[1:600, c(paste0("A", 1:5), paste0("C", 1:5), "gender")]
res$bfi_fiml_groups <- c(list(model = bfi_model, rows = 600, group = "gender",
                              group_equal = "loadings"),
                         summarise(cfa(bfi_model, data = bfi_g, missing = "ml", estimator = "MLR",
                                       group = "gender", group.equal = "loadings")))

# 5. lavaan syntax and defaults: exogenous observed covariates of latent variables (fixed.x,
#    correlated residuals of the pure dependents), a freed marker with a fixed variance,
#    a second-order factor, group-specific labels with c()
hs$female <- as.numeric(hs$sex == 2)          # Python: hs["female"] = (hs["sex"] == 2) * 1.0
variants <- list(
  covariates = 'visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
visual ~ ageyr + female
textual ~ ageyr',
  std_lv = 'visual =~ NA*x1 + x2 + x3
textual =~ NA*x4 + x5 + x6
visual ~~ 1*visual
textual ~~ 1*textual
x2 ~~ x3',
  second_order = 'visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
g =~ visual + textual + speed')
for (nm in names(variants))
  res[[paste0("syntax_", nm)]] <- c(list(model = variants[[nm]]),
                                    summarise(sem(variants[[nm]], data = hs)))
res$syntax_covariates_mlr <- c(list(model = variants$covariates),
                              summarise(sem(variants$covariates, data = hs, estimator = "MLR")))
groups_c <- 'visual =~ x1 + c(l2, l2)*x2 + c(l3a, l3b)*x3
textual =~ x4 + x5 + x6
diff := l3a - l3b'
res$syntax_groups_c <- c(list(model = groups_c, group = "school"),
                         summarise(sem(groups_c, data = hs, group = "school")))

# 6. Harman's single-factor test on the HS items
items <- hs[, paste0("x", 1:9)]
pc <- psych::principal(items, nfactors = 1, rotate = "none")
one <- cfa('g =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9', data = hs)
three <- cfa(hs_model, data = hs)
h <- lavTestLRT(one, three)
res$harman <- list(proportion = unname(pc$Vaccounted["Proportion Var", 1]),
                   eigen1 = unname(pc$values[1]),
                   one_factor = as.list(unclass(fitMeasures(one, FM))),
                   chisq_diff = h[["Chisq diff"]][2], df_diff = h[["Df diff"]][2],
                   p = h[["Pr(>Chisq)"]][2])

res$versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")),
                     psych = as.character(packageVersion("psych")))
write_json(res, file.path(out, "lavaan_sem.json"), digits = I(10), auto_unbox = TRUE,
           dataframe = "columns",
           pretty = TRUE, na = "null")
cat("done\n")
