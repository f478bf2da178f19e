"""Fine-tune a small sentence encoder to relate pairs of contract clauses (SoftmaxLoss, classic fit)."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

CFG = {
    "seed": 3,
    "hidden": 32,
    "max_seq_length": 32,
    "batch_size": 8,
    "epochs": 1,
    "num_labels": 4,
    "lr": 1e-4,
}

RELATIONS = ["equivalent", "narrower", "broader", "unrelated"]

SUBJECTS = ["the supplier", "the buyer", "the licensee", "the contractor", "either party"]
DUTIES = ["shall deliver", "shall indemnify", "shall notify", "shall maintain", "may terminate"]
OBJECTS = ["the goods", "all claims", "the agreement", "insurance", "written notice"]
QUALIFIERS = ["within thirty days", "at its own cost", "in writing", "without delay", "for any reason"]

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

workdir = tempfile.mkdtemp(prefix="clauses_")
encoder_dir = os.path.join(workdir, "clause-bert")
os.makedirs(encoder_dir)

vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
for phrase_list in (SUBJECTS, DUTIES, OBJECTS, QUALIFIERS):
    for phrase in phrase_list:
        for word in phrase.split():
            if word not in vocab:
                vocab.append(word)
with open(os.path.join(encoder_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")

tokenizer = BertTokenizer(os.path.join(encoder_dir, "vocab.txt"))
bert_cfg = BertConfig(
    vocab_size=len(vocab),
    hidden_size=CFG["hidden"],
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)
BertModel(bert_cfg).save_pretrained(encoder_dir)
tokenizer.save_pretrained(encoder_dir)

word_model = models.Transformer(encoder_dir, max_seq_length=CFG["max_seq_length"])
pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
clause_encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")


def make_clause():
    return [random.choice(SUBJECTS), random.choice(DUTIES), random.choice(OBJECTS)]


def related_pair():
    base = make_clause()
    relation = random.choice(RELATIONS)
    if relation == "equivalent":
        other = list(base)
    elif relation == "narrower":
        other = base + [random.choice(QUALIFIERS)]
    elif relation == "broader":
        base = base + [random.choice(QUALIFIERS)]
        other = base[:3]
    else:
        other = make_clause()
        while other[1] == base[1]:
            other = make_clause()
    return " ".join(base), " ".join(other), RELATIONS.index(relation)


train_examples = []
for _ in range(16):
    left, right, label = related_pair()
    train_examples.append(InputExample(texts=[left, right], label=label))

print("label counts:", {r: sum(e.label == i for e in train_examples) for i, r in enumerate(RELATIONS)})

train_loader = DataLoader(train_examples, shuffle=True, batch_size=CFG["batch_size"])
relation_loss = losses.SoftmaxLoss(
    model=clause_encoder,
    sentence_embedding_dimension=clause_encoder.get_sentence_embedding_dimension(),
    num_labels=CFG["num_labels"],
)

clause_encoder.old_fit(
    train_objectives=[(train_loader, relation_loss)],
    epochs=CFG["epochs"],
    warmup_steps=2,
    optimizer_params={"lr": CFG["lr"]},
    show_progress_bar=False,
)

probe = clause_encoder.encode(["the buyer shall notify written notice", "the buyer shall notify written notice in writing"])
print("cosine:", float(torch.nn.functional.cosine_similarity(torch.tensor(probe[0]), torch.tensor(probe[1]), dim=0)))
