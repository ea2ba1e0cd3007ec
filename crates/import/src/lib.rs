//! Imports from .xlsx and .csv files: [`table`] turns an uploaded file into rows of text within fixed
//! bounds; the per-kind modules check each row and report every problem with its row, column and reason.

pub mod accounts;
pub mod accounts_template;
pub mod criteria_rows;
pub mod csv_cell;
pub mod figures;
pub mod header;
pub mod respondent_rows;
pub mod respondents_export;
pub mod respondents_template;
pub mod self_assessment_report;
pub mod sheet;
pub mod table;
pub mod unit_rows;
