-- The RFM scoring rules, defined once for gold.mart_customer_rfm and the API's windowed RFM.
-- Quintile of a percentile rank: ties share a score, and the best value scores 5.
CREATE OR REPLACE MACRO reference.rfm_quintile(pr) AS least(5, 1 + floor(5 * pr))::INTEGER;

-- The usual recency/frequency grid of segment names (5 is best on both axes).
CREATE OR REPLACE MACRO reference.rfm_segment(r_score, f_score) AS
    CASE
        WHEN r_score >= 5 AND f_score >= 4 THEN 'Champions'
        WHEN r_score >= 3 AND f_score >= 4 THEN 'Loyal Customers'
        WHEN r_score >= 4 AND f_score BETWEEN 2 AND 3 THEN 'Potential Loyalists'
        WHEN r_score = 5 AND f_score = 1 THEN 'New Customers'
        WHEN r_score = 4 AND f_score = 1 THEN 'Promising'
        WHEN r_score = 3 AND f_score = 3 THEN 'Need Attention'
        WHEN r_score = 3 AND f_score <= 2 THEN 'About to Sleep'
        WHEN r_score <= 2 AND f_score = 5 THEN 'Cannot Lose Them'
        WHEN r_score <= 2 AND f_score BETWEEN 3 AND 4 THEN 'At Risk'
        ELSE 'Hibernating'
    END;
