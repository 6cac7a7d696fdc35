# Reference values for the reviewer's tables of the bundled default study (issue 13):
# the descriptive correlation table, hierarchical Models 1-k side by side, car::vif GVIF,
# the moderation's interaction with Delta R^2, and the mediation with the main model's controls.
#
# Run from the repository root:
#   python tests/reference/make_study_frame.py /tmp/onex_study.csv
#   Rscript tests/reference/make_reference_tables.R /tmp/onex_study.csv
# Needs: psych, car, jsonlite, digest (Debian r-cran-psych r-cran-car r-cran-jsonlite r-cran-digest).
# Writes tests/reference/r_tables.json; it records the CSV's SHA-256 so that a test can say
# when the study changed and this script must be run again.
suppressPackageStartupMessages({ library(psych); library(car); library(jsonlite); library(digest) })
args <- commandArgs(trailingOnly = TRUE)
csv <- if (length(args)) args[1] else "/tmp/onex_study.csv"
meta <- fromJSON(paste0(csv, ".levels.json"), simplifyVector = FALSE)
d <- read.csv(csv, fileEncoding = "UTF-8", check.names = FALSE)
for (v in names(meta$levels)) d[[v]] <- factor(d[[v]], levels = unlist(meta$levels[[v]]))
scales <- lapply(meta$scales, unlist)
out <- list(csv_sha256 = digest(file = csv, algo = "sha256"), n = nrow(d))

# ---------------------------------------------------------------- Table 1: M, SD, r, alpha
S <- d[, names(scales)]
ct <- psych::corr.test(S, adjust = "none")            # pairwise, unadjusted p
out$correlations <- list(
  constructs = names(scales), mean = unname(colMeans(S)), sd = unname(apply(S, 2, sd)),
  r = unname(ct$r), p = unname(ct$p), n = ct$n,
  alpha = unname(sapply(names(scales), function(k)
    suppressWarnings(psych::alpha(d[, scales[[k]]], warnings = FALSE))$total$raw_alpha)))

# ---------------------------------------------------------------- hierarchical regression
# SPSS "Beta": b * sd(x) / sd(y), x the model-matrix column (dummies included)
coef_table <- function(fit) {
  s <- summary(fit)$coefficients; X <- model.matrix(fit); y <- model.response(model.frame(fit))
  beta <- coef(fit) * apply(X, 2, sd) / sd(y); beta[1] <- NA
  ci <- confint(fit)
  data.frame(term = rownames(s), b = s[, 1], se = s[, 2], t = s[, 3], p = s[, 4], beta = unname(beta),
             ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL)
}
summ <- function(fit) {
  s <- summary(fit); f <- s$fstatistic
  list(r2 = s$r.squared, adj_r2 = s$adj.r.squared, f = unname(f[1]), df1 = unname(f[2]),
       df2 = unname(f[3]), f_p = unname(pf(f[1], f[2], f[3], lower.tail = FALSE)), n = nobs(fit))
}
gvif_table <- function(fit) {
  v <- car::vif(fit)
  if (is.null(dim(v))) v <- cbind(GVIF = v, Df = 1, "GVIF^(1/(2*Df))" = sqrt(v))
  data.frame(term = rownames(v), gvif = v[, 1], dof = v[, 2], gvif_adj = v[, 3], row.names = NULL)
}
out$hierarchical <- list()
for (y in names(meta$blocks)) {
  blocks <- lapply(meta$blocks[[y]], unlist)
  fits <- list(); steps <- list(); prev <- lm(as.formula(paste(y, "~ 1")), data = d)
  for (k in seq_along(blocks)) {
    fit <- lm(as.formula(paste(y, "~", paste(unlist(blocks[1:k]), collapse = " + "))), data = d)
    a <- anova(prev, fit)
    steps[[k]] <- c(summ(fit), list(r2_change = summary(fit)$r.squared - summary(prev)$r.squared,
                                    f_change = a$F[2], df1_change = a$Df[2], p_change = a[["Pr(>F)"]][2],
                                    coefficients = coef_table(fit)))
    prev <- fit
  }
  out$hierarchical[[y]] <- list(blocks = blocks, steps = steps, gvif = gvif_table(prev))
}

# ---------------------------------------------------------------- moderation with the controls
controls <- unlist(meta$blocks$effectiveness[[1]])
m <- transform(d, x_c = resources - mean(resources), w_c = teachers - mean(teachers))
ctl <- paste(controls, collapse = " + ")
base <- lm(as.formula(paste("effectiveness ~ x_c + w_c +", ctl)), data = m)
full <- lm(as.formula(paste("effectiveness ~ x_c * w_c +", ctl)), data = m)
a <- anova(base, full)
out$moderation <- list(x = "resources", w = "teachers", y = "effectiveness", covariates = controls,
                       table = coef_table(full), summary = summ(full),
                       r2_change = summary(full)$r.squared - summary(base)$r.squared,
                       f_change = a$F[2], df1 = a$Df[2], df2 = a$Res.Df[2], p_change = a[["Pr(>F)"]][2])

# ---------------------------------------------------------------- mediation with the controls
fa <- lm(as.formula(paste("execution ~ resources +", ctl)), data = d)
fb <- lm(as.formula(paste("effectiveness ~ resources + execution +", ctl)), data = d)
fc <- lm(as.formula(paste("effectiveness ~ resources +", ctl)), data = d)
row_of <- function(fit, term) coef_table(fit)[coef_table(fit)$term == term, ]
ab <- coef(fa)[["resources"]] * coef(fb)[["execution"]]
set.seed(20240512)
draws <- t(replicate(5000, {
  i <- sample.int(nrow(d), replace = TRUE); s <- d[i, ]
  ea <- coef(lm(as.formula(paste("execution ~ resources +", ctl)), data = s))[["resources"]]
  eb <- coef(lm(as.formula(paste("effectiveness ~ resources + execution +", ctl)), data = s))
  ec <- coef(lm(as.formula(paste("effectiveness ~ resources +", ctl)), data = s))[["resources"]]
  c(ab = ea * eb[["execution"]], c = ec)
}))
# bias-corrected percentile interval (Efron 1982; PROCESS's "bc"), R quantile type 7
bc <- function(x, est, level = 0.95) {
  z0 <- qnorm(mean(x < est)); z <- qnorm(c((1 - level) / 2, (1 + level) / 2))
  unname(quantile(x, pnorm(2 * z0 + z)))
}
prop <- draws[, "ab"] / draws[, "c"]
out$mediation <- list(x = "resources", m = "execution", y = "effectiveness", covariates = controls,
                      a = row_of(fa, "resources"), b = row_of(fb, "execution"),
                      c = row_of(fc, "resources"), c_prime = row_of(fb, "resources"),
                      indirect = ab, proportion = ab / coef(fc)[["resources"]],
                      boot_sd = sd(draws[, "ab"]),
                      percentile = unname(quantile(draws[, "ab"], c(0.025, 0.975))),
                      bc = bc(draws[, "ab"], ab),
                      proportion_percentile = unname(quantile(prop, c(0.025, 0.975))))
write_json(out, "tests/reference/r_tables.json", digits = NA, auto_unbox = TRUE, pretty = TRUE,
           matrix = "rowmajor")
cat("wrote tests/reference/r_tables.json\n")
