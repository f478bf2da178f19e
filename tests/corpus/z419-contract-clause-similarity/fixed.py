# Fine-tune a small clause encoder so that procurement-contract clauses of the
# same type (indemnity, termination, payment, ...) end up close together.
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

CFG = {
    "seed": 3,
    "encoder": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                "intermediate_size": 64, "max_position_embeddings": 64},
    "max_seq_length": 64,
    "n_pairs": 96,
    "batch_size": 8,
    "epochs": 1,
    "warmup_steps": 2,
}

CLAUSE_TERMS = {
    "indemnity": ["indemnify", "hold", "harmless", "losses", "claims", "damages", "third", "party"],
    "termination": ["terminate", "notice", "breach", "cure", "period", "days", "written", "effect"],
    "payment": ["invoice", "payable", "within", "net", "thirty", "late", "interest", "fees"],
    "confidentiality": ["confidential", "disclose", "information", "recipient", "secret", "protect"],
}
BOILERPLATE = ("the supplier shall and the buyer may under this agreement subject to any "
               "applicable law provided that such obligation in respect of all goods services "
               "delivered hereunder including without limitation each of its affiliates").split()

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])
workdir = tempfile.mkdtemp(prefix="clause_enc_")

vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BOILERPLATE))
vocab += sorted({t for terms in CLAUSE_TERMS.values() for t in terms})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")

tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
encoder = BertModel(BertConfig(vocab_size=len(vocab), **CFG["encoder"]))
encoder.save_pretrained(workdir)
tokenizer.save_pretrained(workdir)


def draft_clause(kind):
    n_words = random.randint(70, 110)
    words = [random.choice(BOILERPLATE) for _ in range(n_words)]
    for pos in random.sample(range(n_words), 12):
        words[pos] = random.choice(CLAUSE_TERMS[kind])
    return " ".join(words)


kinds = list(CLAUSE_TERMS)
train_examples = []
for _ in range(CFG["n_pairs"]):
    a = random.choice(kinds)
    b = a if random.random() < 0.5 else random.choice([k for k in kinds if k != a])
    train_examples.append(InputExample(texts=[draft_clause(a), draft_clause(b)],
                                       label=1.0 if a == b else 0.0))

word_model = models.Transformer(workdir, max_seq_length=CFG["max_seq_length"])
pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
clause_encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

train_loader = DataLoader(train_examples, shuffle=True, batch_size=CFG["batch_size"])
objective = losses.CosineSimilarityLoss(clause_encoder)

clause_encoder.old_fit(
    train_objectives=[(train_loader, objective)],
    epochs=CFG["epochs"],
    warmup_steps=CFG["warmup_steps"],
    show_progress_bar=False,
)

probe = [draft_clause("payment"), draft_clause("payment"), draft_clause("indemnity")]
emb = clause_encoder.encode(probe, convert_to_tensor=True)
sims = torch.nn.functional.cosine_similarity(emb[0:1], emb[1:])
print(f"payment~payment {sims[0]:.3f}  payment~indemnity {sims[1]:.3f}")
