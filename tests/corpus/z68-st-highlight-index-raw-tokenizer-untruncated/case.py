"""Build a search index over a wiki with a sentence-transformers model, keeping the token embeddings too
(they are used to highlight the matching words in the results page).

model.encode only returns one kind of output, so the index builder runs the model's modules itself.
"""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

PAGES = [
    "the vpn client must be updated before connecting from home",
    "printers on the third floor are managed by the facilities team",
    ("expense reports are submitted in the finance portal and approved by your manager "
     "receipts older than ninety days are not reimbursed and travel booked outside the portal "
     "needs a written exception from the finance team before the trip starts otherwise the "
     "costs stay with the employee who booked them and the finance team will not refund hotel nights "
     "that were not approved in advance"),
    "new laptops are ordered through the it service desk",
]


def load_encoder(folder):
    words = sorted({w for page in PAGES for w in page.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word_model = Transformer(folder, max_seq_length=64)
    return SentenceTransformer(modules=[word_model, Pooling(word_model.get_embedding_dimension())], device="cpu")


@torch.no_grad()
def build_index(model, pages, batch_size=2):
    index = []
    for start in range(0, len(pages), batch_size):
        batch = pages[start:start + batch_size]
        features = model.tokenizer(batch, padding=True, return_tensors="pt")
        out = model(dict(features))
        for row, page in enumerate(batch):
            keep = out["attention_mask"][row].bool()
            index.append({"page": page, "vector": out["sentence_embedding"][row],
                          "tokens": out["token_embeddings"][row][keep]})
    return index


model = load_encoder(tempfile.mkdtemp(prefix="wiki-encoder-"))
model.eval()
index = build_index(model, PAGES)
query = model.encode("how do i get my travel costs back", convert_to_tensor=True)
best = max(index, key=lambda entry: torch.cosine_similarity(query, entry["vector"], dim=0).item())
print("best page:", best["page"][:60], "| tokens kept for highlighting:", len(best["tokens"]))
