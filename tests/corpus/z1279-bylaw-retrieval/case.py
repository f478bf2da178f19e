# %% [markdown]
# Municipal bylaw clause search: keyword prefilter + bi-encoder rerank (sentence-transformers, tiny BERT)

# %%
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(3); torch.manual_seed(3)
TOP_CANDIDATES = 4

# %%
clauses = [
    "dogs must be leashed in all public parks",
    "noise above fifty decibels is prohibited after ten pm",
    "residential parking permits are issued per household",
    "backyard chickens are limited to six hens no roosters",
    "fences in front yards may not exceed one metre",
    "open burning requires a permit from the fire chief",
    "snow must be cleared from sidewalks within twenty four hours",
    "short term rentals require a business licence",
    "garbage bins may be placed at the curb after six pm",
    "trees over thirty centimetres diameter need a removal permit",
]
amendments_2024 = [
    "dogs off leash allowed in fenced dog parks",
    "roosters allowed on agricultural lots",
    "drones may not be flown over city beaches",
    "fireworks permitted on canada day only",
    "heat pumps must be set back one metre from lot lines",
]
queries = ["can i keep hens", "how high can my front fence be", "when can bins go out",
           "do i need a permit to cut a tree", "is there a noise curfew"]

# %%
tmp = tempfile.mkdtemp()
words = sorted({w for s in clauses + queries + amendments_2024 for w in s.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
BertTokenizer(os.path.join(tmp, "vocab.txt")).save_pretrained(tmp)
BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)).save_pretrained(tmp)

word_model = models.Transformer(tmp, max_seq_length=32)
pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

# %%
pairs = [InputExample(texts=[q, clauses[i]]) for q, i in zip(queries, [3, 4, 8, 9, 1])]
pair_loader = DataLoader(pairs, batch_size=5, shuffle=True)
encoder.old_fit(train_objectives=[(pair_loader, losses.MultipleNegativesRankingLoss(encoder))],
                epochs=2, warmup_steps=0, show_progress_bar=False)

# %%
clause_emb = encoder.encode(clauses, convert_to_tensor=True, normalize_embeddings=True)
clause_emb.shape

# %%
def keyword_prefilter(query, corpus, k):
    q = set(query.split())
    overlap = torch.tensor([len(q & set(doc.split())) for doc in corpus], dtype=torch.float)
    overlap += torch.rand(len(corpus)) * 1e-3  # tie-break
    return overlap.topk(k).indices

# %%
# clerk's office sent the consolidated set with the 2024 amendments, search over all of it
clauses = clauses + amendments_2024
print(len(clauses), "clauses")

# %%
query_batch = ["can i keep roosters", "where can my dog be off leash", "fireworks on canada day"]
cand_ids = torch.stack([keyword_prefilter(q, clauses, TOP_CANDIDATES) for q in query_batch])
print("candidates", tuple(cand_ids.shape))

q_emb = encoder.encode(query_batch, convert_to_tensor=True, normalize_embeddings=True)
cand_vecs = F.embedding(cand_ids, clause_emb)            # (queries, candidates, dim)
scores = torch.einsum("qd,qkd->qk", q_emb, cand_vecs)
best = cand_ids.gather(1, scores.argmax(1, keepdim=True)).squeeze(1)
for q, i in zip(query_batch, best.tolist()):
    print(f"{q!r:40} -> {clauses[i]}")
