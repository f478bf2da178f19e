# Herbarium sheet label transcriptions <-> catalogue descriptions, bi-encoder fine-tuning.
# Built from the sentence-transformers "training overview" + "custom models" docs pages.
import os
import random
import tempfile
import logging

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

logging.basicConfig(format="%(asctime)s - %(message)s", level=logging.INFO)
logger = logging.getLogger(__name__)

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

label_pairs = [
    ("quercus robur coll j smith 1932 oak woodland edge", "pedunculate oak specimen from woodland margin", 0.9),
    ("carex pendula damp shaded streamside", "pendulous sedge collected beside a shaded stream", 0.85),
    ("ranunculus acris meadow hay field june", "meadow buttercup from a hay meadow in early summer", 0.8),
    ("quercus robur coll j smith 1932 oak woodland edge", "pendulous sedge collected beside a shaded stream", 0.1),
    ("ranunculus acris meadow hay field june", "pedunculate oak specimen from woodland margin", 0.05),
    # the old accession ledgers copy the whole sheet annotation history into the label field
    (
        "sphagnum palustre raised bog margin hummock "
        + "det conf redet annotation slip attached to lower left of sheet ink faded "
        * 9,
        "blunt leaved bog moss from the edge of a raised bog",
        0.75,
    ),
]


def save_tiny_backbone(pairs):
    """No hub access on the digitisation server, so build the backbone locally."""
    modelDir = tempfile.mkdtemp(prefix="herbarium_bert_")
    words = set()
    for a, b, _ in pairs:
        words.update(a.split())
        words.update(b.split())
    vocab_path = os.path.join(modelDir, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(modelDir)
    tokenizer.save_pretrained(modelDir)
    return modelDir


model_dir = save_tiny_backbone(label_pairs)
logger.info("backbone saved to %s", model_dir)

# from the docs: word embedding model + pooling
word_embedding_model = models.Transformer(model_dir, max_seq_length=64)
pooling_model = models.Pooling(word_embedding_model.get_word_embedding_dimension(), pooling_mode="mean")
model = SentenceTransformer(modules=[word_embedding_model, pooling_model], device="cpu")
logger.info("embedding dim %d", model.get_sentence_embedding_dimension())

train_examples = [InputExample(texts=[lbl, desc], label=float(score)) for lbl, desc, score in label_pairs]
train_dataloader = DataLoader(train_examples, shuffle=True, batch_size=3)
train_loss = losses.CosineSimilarityLoss(model)

num_epochs = 1
warmupSteps = int(len(train_dataloader) * num_epochs * 0.1)  # 10% of train data for warm-up

model.old_fit(
    train_objectives=[(train_dataloader, train_loss)],
    epochs=num_epochs,
    warmup_steps=warmupSteps,
    show_progress_bar=False,
)

query = "carex pendula damp shaded streamside"
catalogue = [desc for _, desc, _ in label_pairs[:3]]
q_emb = model.encode(query, convert_to_tensor=True)
c_emb = model.encode(catalogue, convert_to_tensor=True)
scores = torch.nn.functional.cosine_similarity(q_emb.unsqueeze(0), c_emb)
best = int(scores.argmax())
print(f"best match for {query!r}: {catalogue[best]!r} ({scores[best]:.3f})")
