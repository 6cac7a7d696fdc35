# Reference values for onex_research.regression and onex_research.groups.
# Run from the repository root:  Rscript tests/reference/make_reference_regression.R
# Needs: car, sandwich, effectsize, jsonlite (Debian r-cran-car r-cran-sandwich
# r-cran-effectsize r-cran-jsonlite). Writes tests/reference/mtcars.csv and
# tests/reference/r_regression.json, tests/reference/r_groups.json.
suppressPackageStartupMessages({
  library(car); library(sandwich); library(effectsize); library(jsonlite)
})
out <- "tests/reference"
mt <- datasets::mtcars
mt$car <- rownames(mt)
write.csv(mt, file.path(out, "mtcars.csv"), row.names = FALSE)
bfi <- read.csv(file.path(out, "bfi.csv"))        # written by make_reference_lavaan.R

coef_table <- function(fit, vc = vcov(fit)) {
  b <- coef(fit); se <- sqrt(diag(vc)); t <- b / se; dfr <- df.residual(fit)
  q <- qt(0.975, dfr)
  data.frame(term = names(b), b = b, se = se, t = t, p = 2 * pt(-abs(t), dfr),
             ci_low = b - q * se, ci_high = b + q * se, row.names = NULL)
}
# SPSS "Beta": b * sd(x) / sd(y), x the model-matrix column (dummies included)
std_beta <- function(fit) {
  X <- model.matrix(fit); y <- model.response(model.frame(fit))
  b <- coef(fit); beta <- b * apply(X, 2, sd) / sd(y); beta[1] <- NA; unname(beta)
}
# VIF of each model-matrix column: 1 / (1 - R^2) of that column on the others
col_vif <- function(fit) {
  X <- model.matrix(fit)[, -1, drop = FALSE]
  c(NA, sapply(seq_len(ncol(X)), function(j) 1 / (1 - summary(lm(X[, j] ~ X[, -j]))$r.squared)))
}
summ <- function(fit) {
  s <- summary(fit)
  list(r2 = s$r.squared, adj_r2 = s$adj.r.squared, f = unname(s$fstatistic[1]),
       df1 = unname(s$fstatistic[2]), df2 = unname(s$fstatistic[3]),
       f_p = unname(pf(s$fstatistic[1], s$fstatistic[2], s$fstatistic[3], lower.tail = FALSE)),
       n = nobs(fit))
}

reg <- list()
# 1. numeric predictors: lm, car::vif, sandwich HC3
f1 <- lm(mpg ~ wt + hp + qsec, data = mt)
tab <- coef_table(f1); tab$beta <- std_beta(f1); tab$vif <- c(NA, unname(car::vif(f1)))
hc3 <- coef_table(f1, sandwich::vcovHC(f1, type = "HC3"))
lh <- car::linearHypothesis(f1, c("wt = 0", "hp = 0", "qsec = 0"), vcov. = sandwich::vcovHC(f1, type = "HC3"))
reg$ols <- list(formula = "mpg ~ wt + hp + qsec", table = tab, summary = summ(f1),
                hc3 = hc3, hc3_f = lh$F[2], hc3_f_p = lh[["Pr(>F)"]][2])
# 2. a factor: treatment dummies; column VIF by hand, and car's GVIF for reference
f2 <- lm(mpg ~ wt + factor(cyl), data = mt)
tab2 <- coef_table(f2); tab2$beta <- std_beta(f2); tab2$vif <- col_vif(f2)
reg$ols_factor <- list(formula = "mpg ~ wt + C(cyl)", table = tab2, summary = summ(f2),
                       gvif = as.data.frame(car::vif(f2)))
# 3. hierarchical blocks: SPSS F change = anova(previous step, this step)
steps <- list(lm(mpg ~ wt, data = mt), lm(mpg ~ wt + hp + qsec, data = mt),
              lm(mpg ~ wt + hp + qsec + am + gear, data = mt))
hier <- data.frame()
prev_r2 <- 0
for (k in seq_along(steps)) {
  s <- summary(steps[[k]])
  a <- if (k == 1) anova(lm(mpg ~ 1, data = mt), steps[[1]]) else anova(steps[[k - 1]], steps[[k]])
  hier <- rbind(hier, data.frame(step = k, r2 = s$r.squared, adj_r2 = s$adj.r.squared,
                                 r2_change = s$r.squared - prev_r2, f_change = a$F[2],
                                 df1 = a$Df[2], df2 = a$Res.Df[2], p_change = a[["Pr(>F)"]][2]))
  prev_r2 <- s$r.squared
}
reg$hierarchical <- list(blocks = list(c("wt"), c("hp", "qsec"), c("am", "gear")), table = hier,
                         last = coef_table(steps[[3]]))
# 4. mediation hp -> wt -> mpg, covariate am; percentile bootstrap (R's RNG, for a loose check)
a_fit <- lm(wt ~ hp + am, data = mt); b_fit <- lm(mpg ~ hp + wt + am, data = mt)
c_fit <- lm(mpg ~ hp + am, data = mt)
set.seed(1)
boot_ab <- replicate(20000, {
  i <- sample.int(nrow(mt), replace = TRUE); d <- mt[i, ]
  coef(lm(wt ~ hp + am, data = d))[["hp"]] * coef(lm(mpg ~ hp + wt + am, data = d))[["wt"]]
})
reg$mediation <- list(x = "hp", m = "wt", y = "mpg", covariates = "am",
                      a = coef_table(a_fit)[2, ], b = coef_table(b_fit)[3, ],
                      c = coef_table(c_fit)[2, ], c_prime = coef_table(b_fit)[2, ],
                      indirect = coef(a_fit)[["hp"]] * coef(b_fit)[["wt"]],
                      boot_ci = unname(quantile(boot_ab, c(0.025, 0.975))), boot_sd = sd(boot_ab))
# 5. moderation: mpg ~ hp * wt, both centred; simple slopes of hp at mean(wt) -+ 1 SD
mt$hp_c <- mt$hp - mean(mt$hp); mt$wt_c <- mt$wt - mean(mt$wt)
mod <- lm(mpg ~ hp_c * wt_c, data = mt)
slopes <- data.frame()
for (lev in c(-1, 0, 1)) {
  mt$wt_at <- mt$wt - (mean(mt$wt) + lev * sd(mt$wt))
  ft <- lm(mpg ~ hp_c * wt_at, data = mt)
  slopes <- rbind(slopes, cbind(data.frame(level = lev, w_value = mean(mt$wt) + lev * sd(mt$wt)),
                                coef_table(ft)[2, -1]))
}
reg$moderation <- list(x = "hp", w = "wt", y = "mpg", table = coef_table(mod),
                       summary = summ(mod), slopes = slopes)
write_json(reg, file.path(out, "r_regression.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)

# ---------------------------------------------------------------- groups
grp <- list()
tt <- function(x, g, equal) { r <- t.test(x ~ g, var.equal = equal)
  list(t = unname(r$statistic), dof = unname(r$parameter), p = r$p.value,
       ci_low = r$conf.int[1], ci_high = r$conf.int[2], means = unname(r$estimate)) }
d <- effectsize::cohens_d(mpg ~ am, data = mt)               # pooled SD, noncentral-t CI
d_w <- effectsize::cohens_d(mpg ~ am, data = mt, pooled_sd = FALSE)
grp$ttest <- list(dv = "mpg", group = "am", student = tt(mt$mpg, mt$am, TRUE),
                  welch = tt(mt$mpg, mt$am, FALSE),
                  d = d$Cohens_d, d_ci = c(d$CI_low, d$CI_high),
                  d_welch = d_w$Cohens_d, d_welch_ci = c(d_w$CI_low, d_w$CI_high))
an <- function(data, dv, g) {
  data <- data[!is.na(data[[dv]]) & !is.na(data[[g]]), ]
  data$g <- factor(data[[g]]); fit <- aov(data[[dv]] ~ g, data = data)
  s <- summary(fit)[[1]]; w <- oneway.test(data[[dv]] ~ data$g, var.equal = FALSE)
  tk <- TukeyHSD(fit)$g
  list(dv = dv, group = g, ss_between = s[1, "Sum Sq"], ss_within = s[2, "Sum Sq"],
       df1 = s[1, "Df"], df2 = s[2, "Df"], f = s[1, "F value"], p = s[1, "Pr(>F)"],
       eta2 = s[1, "Sum Sq"] / sum(s[, "Sum Sq"]),
       welch = list(f = unname(w$statistic), df1 = unname(w$parameter[1]),
                    df2 = unname(w$parameter[2]), p = w$p.value),
       tukey = data.frame(pair = rownames(tk), diff = tk[, "diff"], ci_low = tk[, "lwr"],
                          ci_high = tk[, "upr"], p = tk[, "p adj"], row.names = NULL))
}
grp$anova_mtcars <- an(mt, "mpg", "cyl")
grp$anova_bfi <- an(bfi, "A2", "education")
ch <- function(tab, correct) { r <- suppressWarnings(chisq.test(tab, correct = correct))
  list(chi2 = unname(r$statistic), dof = unname(r$parameter), p = r$p.value,
       expected = unclass(r$expected), observed = unclass(tab)) }
grp$crosstab_3x3 <- c(list(row = "cyl", col = "gear"), ch(table(mt$cyl, mt$gear), TRUE),
                      cramers_v = sqrt(unname(suppressWarnings(chisq.test(table(mt$cyl, mt$gear)))$statistic) / (32 * 2)))
grp$crosstab_2x2 <- list(row = "am", col = "vs", yates = ch(table(mt$am, mt$vs), TRUE),
                         pearson = ch(table(mt$am, mt$vs), FALSE))
write_json(grp, file.path(out, "r_groups.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE,
           matrix = "rowmajor")
cat("done\n")
