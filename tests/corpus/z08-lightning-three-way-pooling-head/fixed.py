"""Review rating model in Lightning: [CLS], mean and max pooling of a tiny BERT concatenated before the head."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel

torch.manual_seed(0)


class RatingModel(L.LightningModule):
    def __init__(self, vocab_size=60, hidden_size=32, num_ratings=3, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=37,
                                            max_position_embeddings=32))
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(3 * self.hparams.hidden_size, num_ratings)

    def pool(self, hidden, mask):
        mask = mask.unsqueeze(-1).float()
        cls_vec = hidden[:, 0]
        mean_vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        max_vec = hidden.masked_fill(mask == 0, -1e4).max(1).values
        return torch.cat([cls_vec, mean_vec, max_vec], dim=-1)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(self.dropout(self.pool(hidden, attention_mask)))

    def training_step(self, batch, batch_idx):
        input_ids, attention_mask, ratings = batch
        loss = F.cross_entropy(self(input_ids, attention_mask), ratings)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


input_ids = torch.randint(5, 60, (8, 12))
attention_mask = torch.ones_like(input_ids)
attention_mask[::2, 9:] = 0
ratings = torch.randint(0, 3, (8,))
loader = DataLoader(TensorDataset(input_ids, attention_mask, ratings), batch_size=4)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(RatingModel(), loader)
print("trained")
