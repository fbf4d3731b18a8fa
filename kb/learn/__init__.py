"""The trainers' and new staff's workflows on top of retrieval: 党课 packs and their export, the glossary, the document library, self-tests and learning progress."""
