"""Psychometrics: item response theory for certprep, pure and vectorised (numpy, scipy).

Nothing here does I/O (except the CSV and PNG writers, which take a path), reads the clock or
touches storage: arrays and small frozen values in, arrays and small frozen values out.

- ``model``        2PL/3PL item response functions, information, the quadrature grid, priors
- ``responses``    sparse responses (examinee, item, right) and the dense -1/0/1 matrix
- ``priors``       item priors (normal b, lognormal a, Beta c), author-based priors
- ``posterior``    the E-step: posteriors over the grid and expected counts per item
- ``item_update``  the M-step: Fisher scoring of every item at once (MAP with the priors)
- ``calibration``  marginal maximum likelihood by EM, fixed-item calibration, standard errors
- ``linking``      mean/sigma linking of a new calibration to a previous one
- ``fit``          an item fit statistic (observed vs expected by ability group)
- ``ability``      EAP and posterior SD, and the weighted-likelihood estimate (WLE)
- ``scaling``      ability to scaled score, SEM in scaled points
- ``standard``     the cut ability from Angoff ratings
- ``assembly``     forms that maximise information at the cut within the blueprint
- ``readiness``    the probability of passing the real exam, with an interval
- ``classification`` accuracy, consistency (Rudner) and calibration (ECE) measures
- ``item_analysis`` classical and IRT item statistics with flags, CSV
- ``simulation``   the whole chain against known true parameters
- ``png``          a tiny PNG writer for the reliability plot

Import the modules themselves (``from certprep.psychometrics import ability``): this package
imports nothing, so ``certprep.domain`` can use ``assembly`` without loading scipy.
"""
