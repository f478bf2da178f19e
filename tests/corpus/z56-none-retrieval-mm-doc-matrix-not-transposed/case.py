"""Dense retrieval over a small policy handbook with a BERT bi-encoder ([CLS] vectors, dot-product scores).
Inference only: embed the handbook sections once, then answer a few employee questions.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertModel, BertTokenizer

SECTIONS = [
    "employees may work from home two days a week",
    "travel expenses must be approved by your manager",
    "annual leave is twenty five days per year",
    "laptops are replaced every three years",
    "the office is closed on public holidays",
    "parental leave is sixteen weeks at full pay",
]
QUESTIONS = ["how many days of leave do i get", "can i work from home"]

tmp = tempfile.mkdtemp()
words = sorted({w for t in SECTIONS + QUESTIONS for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
torch.manual_seed(0)
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=64, max_position_embeddings=64)).eval()


@torch.no_grad()
def embed(texts):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    cls = encoder(**batch).last_hidden_state[:, 0]
    return torch.nn.functional.normalize(cls, dim=-1)


doc_vecs = embed(SECTIONS)          # (n_sections, hidden)
query_vecs = embed(QUESTIONS)       # (n_questions, hidden)
scores = torch.mm(query_vecs, doc_vecs)
best = scores.argmax(dim=1)
for question, idx in zip(QUESTIONS, best.tolist()):
    print(f"{question!r} -> {SECTIONS[idx]!r}")
