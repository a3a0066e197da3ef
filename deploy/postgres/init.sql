-- One database and one role per service: a service can read and write its own history only.
-- Passwords are set afterwards from the deployment's secrets:  ALTER ROLE chudong_membership PASSWORD '…';
CREATE ROLE chudong_membership LOGIN;
CREATE ROLE chudong_planning LOGIN;
CREATE ROLE chudong_evaluation LOGIN;
CREATE ROLE chudong_notifications LOGIN;
CREATE ROLE chudong_identity LOGIN;
CREATE ROLE chudong_dashboard LOGIN;
CREATE DATABASE chudong_membership OWNER chudong_membership;
CREATE DATABASE chudong_planning OWNER chudong_planning;
CREATE DATABASE chudong_evaluation OWNER chudong_evaluation;
CREATE DATABASE chudong_notifications OWNER chudong_notifications;
CREATE DATABASE chudong_identity OWNER chudong_identity;
CREATE DATABASE chudong_dashboard OWNER chudong_dashboard;
