"""Nightly job: tag contract clauses (payment / liability / termination / confidentiality) with the clause
classifier and print a per-contract summary.  The classifier is a compact BERT with 64 positions.
"""
import csv
import io
import os
import tempfile
from collections import Counter

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CLAUSE_TYPES = ["payment", "liability", "termination", "confidentiality"]
MAX_POSITIONS = 64

CLAUSES_CSV = """contract,clause
C-17,invoices are payable within thirty days of receipt
C-17,either party may terminate this agreement with ninety days written notice
C-17,"the supplier shall keep all information received from the customer strictly confidential and shall not disclose it to any third party without prior written consent except to its employees advisers and subcontractors who need to know such information for the purpose of performing this agreement and who are bound by obligations of confidentiality no less strict than those set out in this clause and the supplier shall be responsible for any breach by such persons"
C-18,the total liability of the supplier shall not exceed the fees paid in the preceding twelve months
C-18,late payments bear interest at two percent per month
"""


def build_tokenizer(folder, texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode(tokenizer, texts):
    return tokenizer(texts, padding=True, truncation=True, return_tensors="pt")


@torch.no_grad()
def classify(model, tokenizer, texts, batch_size=4):
    labels = []
    for start in range(0, len(texts), batch_size):
        batch = encode(tokenizer, texts[start:start + batch_size])
        logits = model(**batch).logits
        labels += [CLAUSE_TYPES[i] for i in logits.argmax(-1).tolist()]
    return labels


def summarize(rows, labels):
    per_contract = {}
    for row, label in zip(rows, labels):
        per_contract.setdefault(row["contract"], Counter())[label] += 1
    return per_contract


def main():
    torch.manual_seed(0)
    rows = list(csv.DictReader(io.StringIO(CLAUSES_CSV)))
    texts = [r["clause"] for r in rows]
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="clauses-"), texts)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=MAX_POSITIONS, num_labels=len(CLAUSE_TYPES))).eval()
    for contract, counts in summarize(rows, classify(model, tokenizer, texts)).items():
        print(contract, dict(counts))


if __name__ == "__main__":
    main()
