-- The body that organises the campaign's survey and signs its e-mails ("Bộ Nội vụ" unless set).
ALTER TABLE campaigns ADD COLUMN organiser TEXT NOT NULL DEFAULT 'Bộ Nội vụ';
